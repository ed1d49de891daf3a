// Bouncy Castle 1.80 builds post-quantum protected CMP messages, for test/unit/oracle.test.ts to verify
// with CMP Lens (issue 17). Usage: java BcPqBuild OUTDIR. For each of ML-DSA-44, -65 and -87 it makes a
// key pair and a self-signed certificate (with subjectKeyIdentifier), then writes
//   SET-ir.der    an ir whose POP (popo.signature) is signed with that key, protected with it
//   SET-genm.der  a genm asking for caCerts, protected with it
//   SET.crt       the certificate (also in each message's extraCerts)
// The message builders are Bouncy Castle's own (ProtectedPKIMessageBuilder, CertificateRequestMessageBuilder).
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Security;
import java.util.Date;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.cmp.CMPObjectIdentifiers;
import org.bouncycastle.asn1.cmp.GenMsgContent;
import org.bouncycastle.asn1.cmp.InfoTypeAndValue;
import org.bouncycastle.asn1.cmp.PKIBody;
import org.bouncycastle.asn1.crmf.CertReqMessages;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.bc.BcX509ExtensionUtils;
import org.bouncycastle.cert.cmp.ProtectedPKIMessage;
import org.bouncycastle.cert.cmp.ProtectedPKIMessageBuilder;
import org.bouncycastle.cert.crmf.CertificateRequestMessageBuilder;
import org.bouncycastle.jcajce.spec.MLDSAParameterSpec;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

public final class BcPqBuild {
  public static void main(String[] args) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    Path out = Paths.get(args[0]);
    SecureRandom random = new SecureRandom();
    String[] sets = {"ML-DSA-44", "ML-DSA-65", "ML-DSA-87"};
    MLDSAParameterSpec[] specs = {MLDSAParameterSpec.ml_dsa_44, MLDSAParameterSpec.ml_dsa_65, MLDSAParameterSpec.ml_dsa_87};
    for (int i = 0; i < sets.length; i++) {
      String set = sets[i];
      KeyPairGenerator kpg = KeyPairGenerator.getInstance("ML-DSA", "BC");
      kpg.initialize(specs[i], random);
      KeyPair kp = kpg.generateKeyPair();
      ContentSigner signer = new JcaContentSignerBuilder(set).setProvider("BC").build(kp.getPrivate());
      X500Name name = new X500Name("CN=Bouncy Castle " + set);
      SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
      byte[] skid = new BcX509ExtensionUtils().createSubjectKeyIdentifier(spki).getKeyIdentifier();
      Date now = new Date();
      X509CertificateHolder cert =
          new X509v3CertificateBuilder(name, BigInteger.valueOf(1000 + i), new Date(now.getTime() - 60_000L),
                  new Date(now.getTime() + 30L * 86_400_000L), name, spki)
              .addExtension(Extension.subjectKeyIdentifier, false, new DEROctetString(skid))
              .build(signer);
      Files.write(out.resolve(set + ".crt"), cert.getEncoded());

      CertificateRequestMessageBuilder req = new CertificateRequestMessageBuilder(BigInteger.ZERO);
      req.setSubject(new X500Name("CN=Bouncy Castle ir " + set));
      req.setPublicKey(spki);
      req.setProofOfPossessionSigningKeySigner(signer);
      PKIBody ir = new PKIBody(PKIBody.TYPE_INIT_REQ, new CertReqMessages(req.build().toASN1Structure()));
      write(out.resolve(set + "-ir.der"), builder(name, cert, skid, random).setBody(ir).build(signer));

      PKIBody genm =
          new PKIBody(PKIBody.TYPE_GEN_MSG, new GenMsgContent(new InfoTypeAndValue(CMPObjectIdentifiers.id_it_caCerts)));
      write(out.resolve(set + "-genm.der"), builder(name, cert, skid, random).setBody(genm).build(signer));
    }
  }

  private static ProtectedPKIMessageBuilder builder(X500Name name, X509CertificateHolder cert, byte[] skid, SecureRandom random) {
    byte[] tid = new byte[16];
    byte[] nonce = new byte[16];
    random.nextBytes(tid);
    random.nextBytes(nonce);
    return new ProtectedPKIMessageBuilder(new GeneralName(name), new GeneralName(new X500Name("CN=CMP Lens Test CA")))
        .setMessageTime(new Date())
        .setTransactionID(tid)
        .setSenderNonce(nonce)
        .setSenderKID(skid)
        .addCMPCertificate(cert);
  }

  private static void write(Path file, ProtectedPKIMessage msg) throws Exception {
    Files.write(file, msg.toASN1Structure().getEncoded());
  }
}
